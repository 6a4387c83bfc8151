"""The core: the indicator as typed objects (model), problems, facts, the Thai calendar (thai), the five
innovation stages and what a command changes (stages, edits), messages (i18n). Pure: no files, no
printing; everything else builds on it."""
