"""The publishing sandbox: one local server that speaks the platforms' documented publishing flows.

``create_app`` builds the FastAPI app; ``SandboxServer`` runs it on a loopback port (tests, the
demo); ``coulisses publish sandbox`` runs it in the foreground.
"""
