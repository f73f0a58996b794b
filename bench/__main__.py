"""Run every benchmark and print its table."""

from bench import audit, engine_commands, scripts, task_list

if __name__ == "__main__":
    engine_commands.main()
    audit.main()
    task_list.main()
    scripts.main()
