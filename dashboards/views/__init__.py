"""Pages of the Chefskartan app; each module exposes render() and is listed in app.PAGES."""
