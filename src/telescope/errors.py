"""The exception tree of Telescope.

::

    TelescopeError                 base of everything raised on purpose
    ├── UserError                  meant for users: carries an HTTP status and a stable code
    │   ├── NotFound (404)         unknown run, tag or route
    │   ├── BadRequest (400)       malformed or out-of-range parameters
    │   └── Gone (410)             indexed data that its event file no longer holds (the file was replaced)
    ├── StoreError                 the index database cannot be used (locked, corrupt, another logdir's)
    │   └── StaleIndex             written by another version of Telescope: rebuilt by whoever may write it
    ├── IngestError                a problem reading event files that the ingester reports and survives
    └── WriterError                events could not be written (raised by SummaryWriter.flush()/close())

Only :class:`UserError` reaches HTTP clients with its message; anything else becomes an opaque 500 with a
logged traceback.
"""

from __future__ import annotations


class TelescopeError(Exception):
    """Base class of every error Telescope raises on purpose."""


class UserError(TelescopeError):
    """An error whose message is meant for the person using Telescope."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(UserError):
    status = 404
    code = "not_found"


class BadRequest(UserError):
    status = 400
    code = "bad_request"


class Gone(UserError):
    status = 410
    code = "gone"


class StoreError(TelescopeError):
    """The index database cannot be used."""


class StaleIndex(StoreError):
    """The index was written with another schema; the writer rebuilds it from the event files."""


class IngestError(TelescopeError):
    """A problem reading event files; reported with path and offset, never fatal to the server."""


class WriterError(TelescopeError):
    """Events could not be written to an event file; raised by ``flush()``/``close()`` after the failure."""
