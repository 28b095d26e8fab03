"""HTTP routers: health, info, auth, sync. Thin: parse, call one service, answer."""
