"""The staff pages: sign-in, the task list and task forms, case pages, deployments, audit.

Officers, heads, analysts and auditors use these in a browser; `pages.init_app` registers
them. Session sign-in and roles are in `signin`, CSRF in `csrf`, error pages in `page_errors`.
"""
