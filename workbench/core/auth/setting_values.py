"""Choice settings: the method needs one of a setting's choices.

Loading a workspace file already refuses a value that is not one of them
(`workspace_decode`); a model edited in memory is checked here, before
anything is sent, with a message naming the setting and the allowed values.
"""

from __future__ import annotations

from workbench.core.auth.base import AuthSetting, ResolvedSettings, text_setting
from workbench.core.errors import RequestBuildError


def choice(settings: ResolvedSettings, setting: AuthSetting, method_label: str) -> str:
    """The value of the choice `setting` (default when absent); `RequestBuildError` if invalid."""
    value = text_setting(settings, setting.name) or setting.default
    if value not in setting.choices:
        raise RequestBuildError(
            f"{method_label}: the setting '{setting.label}' ({setting.name}) is {value!r}; "
            f"expected one of: {', '.join(setting.choices)}."
        )
    return value
