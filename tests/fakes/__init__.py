"""Fake provider servers on 127.0.0.1 that keep the real HTTP contracts (see each module)."""
