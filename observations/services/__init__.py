"""Write operations of the reflection cycle, one module per topic (see each module's doc)."""
