"""Ingest: finding runs under a logdir, tailing their event files from saved offsets, and decoding events
through the owning plugin into the store.

Third stage of the pipeline (event files → **ingest** → store → query → server).
"""

from telescope.ingest.discovery import DiscoveryResult, FoundFile, discover
from telescope.ingest.ingester import Changes, Ingester, IngestProgress

__all__ = ["Changes", "DiscoveryResult", "FoundFile", "IngestProgress", "Ingester", "discover"]
