"""The one road to a server the project does not own: every request of every live tool.

`facts` holds what is known about PostHog once (id forms, created ids, Cloud hosts, key roles,
429s, headers); `bodies` the request bodies PostHog stores but cannot read back (from
`posthog_mock.hazards`); `journal` the write-ahead journal; `policy` what may be sent, as data;
`transport` the requests transport that applies a policy; `readback` the reads after every
accepted write; `restarts` dropped connections and restarting servers; `cleanup` the one
clean-up and resume (also `python -m live_road clean`).
"""
