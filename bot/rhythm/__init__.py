"""Study rhythm, the core: time zones and recurrences, goals, reading-club weeks, and the scheduler.

Nothing here imports Discord; the store keeps the data and `bot.exts` (goals, reminders, clubs) talks to members.
"""
