"""The studio's domain, without HTTP: its database (``tables``, ``db``, ``migrations``), the
files of each workspace (``files``, ``uploads``), the rules the pages apply (``review``, ``cuts``)
and the background jobs (``jobs``). ``coulisses.web`` and the CLI are its clients."""
