"""The deterministic demo county (岚溪县)."""
