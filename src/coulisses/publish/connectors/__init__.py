"""Connectors: one module per platform, each a ``Connector`` over the shared ``ApiClient``.

``CONNECTORS`` maps a publishing API id to its connector class; a new platform adds a module
and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable

from coulisses.publish.connectors.base import Connector, Context
from coulisses.publish.connectors.linkedin import LinkedInConnector
from coulisses.publish.connectors.meta import FacebookConnector, InstagramConnector
from coulisses.publish.connectors.tiktok import TikTokConnector
from coulisses.publish.connectors.youtube import YouTubeConnector

CONNECTORS: dict[str, Callable[[Context], Connector]] = {
    "tiktok": TikTokConnector, "instagram": InstagramConnector, "facebook": FacebookConnector,
    "youtube": YouTubeConnector, "linkedin": LinkedInConnector,
}
