// Starts Swagger UI on /api/docs. A browser signed in to the site calls the API with its
// session cookie; writes then need the page's anti-forgery token as a header. A system
// uses "Authorize" with a bearer token from POST /api/v1/session instead.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  var csrf = root.getAttribute("data-csrf");
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      var method = (request.method || "GET").toUpperCase();
      if (csrf && method !== "GET" && method !== "HEAD") {
        request.headers["X-CSRF-Token"] = csrf;
      }
      return request;
    },
  });
});
