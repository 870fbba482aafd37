"""The upper layer's JSON API: views, the shape of their answers, and the OpenAPI document."""
