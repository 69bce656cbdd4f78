"""The payment gateways Kassa talks to (Stripe, NetCash), shared by the bridge and the jobs.

A gateway module takes its settings as an argument (a frozen dataclass the caller builds once at
process start); it reads no environment and imports neither the bridge, the jobs nor the CLI."""
