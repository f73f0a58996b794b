"""People and their tasks: users and roles, claiming and assigning, what a page shows.

`users` keeps staff accounts and roles, `sign_in` signs them in with a throttle and keeps
every attempt, `assignment` claims and hands over user tasks,
`queries` answers the task list and case searches, `task_forms` describes a task's form
with the case data beside it, and `case_view` what a person sees of one case. Read-only
but for `users`, `sign_in` and `assignment`. It may use `runtime`, `dialect`, the shared modules of
`engine` and `store`; never `history`.
"""
