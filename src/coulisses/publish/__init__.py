"""Publishing: platform API facts as data, the sandbox, connectors and the durable post queue."""
