"""What a build of the index tells whoever watches it: a first run on a large store takes
minutes, and a command that says nothing meanwhile looks hung. The core only reports; the
command line draws it (render.status, on a terminal's stderr). `Progress` itself says nothing."""


class Progress:
    """The steps of a build, in this order; each method may be called more than once."""

    def reading(self, done: int, size: int) -> None:
        """About `done` of the store's `size` bytes of TOML read and checked so far."""

    def building(self, done: int, events: int) -> None:
        """`done` of `events` events written into the index."""

    def indexing(self) -> None:
        """The rows are in: the indexes and the search table are being made."""

    def finished(self, events: int) -> None:
        """The index is built (and in place), holding `events` events."""


#: Says nothing: where nobody watches (a pipe, a test, a library call).
QUIET = Progress()
