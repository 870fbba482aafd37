"""The upper layer that joins the apps for the site's pages."""
