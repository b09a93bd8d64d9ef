"""The plugin manager: entry-point discovery, enable/disable, registration (`lms.plugins`).

Built-in plugins live in the sub-packages of this package.

One manager per app, kept at ``app.extensions["lms"]``. Plugins come from the
`lms.plugins` entry-point group - built-in ones are listed there in pyproject.toml
exactly as a third-party package would list its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points

import pluggy
from flask import Flask, current_app

from lms import hookspecs

ENTRY_POINT_GROUP = "lms.plugins"
hookimpl = pluggy.HookimplMarker(hookspecs.PROJECT)


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str
    enabled: bool
    hooks: tuple[str, ...]
    reason: str = ""


class LmsPluginManager(pluggy.PluginManager):
    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)
        self.catalogue: list[PluginInfo] = []

    def hooks_of(self, plugin: object) -> tuple[str, ...]:
        return tuple(sorted(caller.name for caller in self.get_hookcallers(plugin) or []))

    def results(self, hook_name: str, **kwargs) -> list:
        """Call a hook and flatten the lists its implementations return."""
        flattened: list = []
        for result in getattr(self.hook, hook_name)(**kwargs):
            if result is None:
                continue
            if isinstance(result, list | tuple):
                flattened.extend(result)
            else:
                flattened.append(result)
        return flattened


def build_plugin_manager(disabled: list[str], safe_mode: bool) -> LmsPluginManager:
    """Load every plugin of the entry-point group except the disabled ones."""
    from lms.core import hooks as core_hooks

    manager = LmsPluginManager()
    manager.register(core_hooks, name="core")
    manager.catalogue.append(
        PluginInfo("core", _version_of("involving-people-lms"), True, manager.hooks_of(core_hooks))
    )
    for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        version = entry_point.dist.version if entry_point.dist else "unknown"
        if safe_mode or entry_point.name in disabled:
            reason = "safe mode" if safe_mode else "disabled by LMS_DISABLED_PLUGINS"
            manager.catalogue.append(PluginInfo(entry_point.name, version, False, (), reason))
            continue
        plugin = entry_point.load()
        manager.register(plugin, name=entry_point.name)
        manager.catalogue.append(
            PluginInfo(entry_point.name, version, True, manager.hooks_of(plugin))
        )
    return manager


def _version_of(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def init_plugins(app: Flask) -> LmsPluginManager:
    manager = build_plugin_manager(app.config["DISABLED_PLUGINS"], app.config["SAFE_MODE"])
    app.extensions["lms"] = manager
    for blueprint in manager.results("lms_blueprints"):
        app.register_blueprint(blueprint)
    for command in manager.results("lms_cli"):
        app.cli.add_command(command)
    manager.results("lms_models")  # import model modules so metadata is complete
    return manager


def plugin_manager() -> LmsPluginManager:
    return current_app.extensions["lms"]
