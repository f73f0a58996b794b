"""The applicant portal's JSON API (`/api/portal`) and its OpenAPI description."""
