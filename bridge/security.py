"""The headers every answer of the bridge carries (bridge/web.py); a page may narrow or widen
one of them for itself (the payment page's form-action, bridge/pay.py)."""

# Every answer forbids framing, leaking the URL (payment tokens live in it) as a referrer and
# content sniffing; pages load nothing but their own styles and images.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
