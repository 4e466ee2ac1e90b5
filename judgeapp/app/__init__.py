"""The application layer: what the review app knows and does, with no Qt.

Review state, the background-job runner and the services the windows use (analysis, library,
models) live here, so the GUI's behaviour can be driven and tested without widgets, and `ui/`
only renders state and forwards what the user asks for.
"""
