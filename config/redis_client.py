"""One Redis client per process for the caches that bypass Django's tenant-prefixed cache keys
(the host cache, the public page cache): their keys are the same whatever schema is active."""

import redis
from django.conf import settings

_clients: dict[str, redis.Redis] = {}


def redis_client() -> redis.Redis:
    """Short timeouts: a cache that answers slowly is worse than none; callers fall back."""
    url = settings.CACHES["default"]["LOCATION"]
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return _clients[url]
