"""Write operations of the surveys app: `<entity>_<action>(*, actor, ...)`, one transaction each."""
