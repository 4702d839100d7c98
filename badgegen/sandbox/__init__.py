"""A throwaway local XMPP server with sample rooms, for `badgegen demo` and the tests."""
