"""The demo API: a real HTTP server on loopback for trying workbench offline and for tests."""
