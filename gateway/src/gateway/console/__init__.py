"""The ops and supervision console: staff sign-in, server-side sessions, and the pages (#13 builds
its views on :data:`gateway.console.auth.CurrentStaff` and ``templates/base.html``)."""
