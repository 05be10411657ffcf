"""The photo endpoints, and the app's media storage and settings (``media_for(app)``)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from media.settings import MediaSettings
from media.storage import Storage, make_storage


@dataclass
class Media:
    storage: Storage
    settings: MediaSettings


def init_app(app: Flask) -> None:
    settings = MediaSettings.from_mapping(app.config)
    app.extensions["media"] = Media(make_storage(app.config), settings)


def media() -> Media:
    return current_app.extensions["media"]
