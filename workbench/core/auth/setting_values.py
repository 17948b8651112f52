"""Choice settings: the workspace file holds any text, the method needs one of its choices.

Loading a workspace does not check a setting's value against its choices,
so a typo (`mode = "exchnage"`) is caught here, before anything is sent,
with a message naming the setting and the allowed values.
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
