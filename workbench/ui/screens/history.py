"""The history keys of the main screen: the list, then what was chosen in it.

The desk reads the history and acts (`Desk.history`); this shows its list, waits for the
choice and hands it back: open an entry in the response area, show the comparison of two,
or send one again (in the send group, so escape cancels it like any send).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.ui.dialogs.diff_view import DiffScreen
from workbench.ui.dialogs.history import HistoryScreen

if TYPE_CHECKING:
    from workbench.ui.screens.main import MainScreen


async def browse_history(screen: MainScreen, *, every: bool) -> None:
    """The selected call's history (every call's with `every`), and what the user chose."""
    history = screen.desk.history
    listing = await history.listing(every=every)
    if listing is None:
        return
    if not listing.entries:
        what = "this call" if listing.of_call else "any call"
        screen.notify(
            f"No exchange of {what} in the history yet: each send is kept there.", markup=False
        )
        return
    choice = await screen.app.push_screen_wait(HistoryScreen(listing))
    if choice is None:
        return
    if choice.action == "open":
        await history.open(choice.ids[0])
    elif choice.action == "compare":
        compared = await history.compare(*choice.ids)
        if compared is not None:
            await screen.app.push_screen_wait(DiffScreen(*compared))
    else:
        screen.run_flow(history.resend(choice.ids[0]), group="send")
