// Starts Swagger UI on /docs (a file, not an inline script: the CSP forbids inline scripts).
window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
