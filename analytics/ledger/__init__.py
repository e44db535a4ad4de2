"""The county plan as a ledger (任务台账): the plan's tasks, the progress departments and
townships report on them, and each task's status computed from the data where it can be.

Order inside: plan (the tasks table) < progress (reports kept in state.db) < workbook (Excel
template and import) < status (red/amber/green with the reason) < notices (督办单)."""
