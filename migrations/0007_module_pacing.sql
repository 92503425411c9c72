-- Pacing by module and the open-ended Everyday program (issue 9).
--
-- module_days: each module's practice days, module 1 first, comma-separated ("5,5,5,15,5,5,5"),
-- set when a cohort is created from its track's defaults and changed by /cohort pace. NULL on
-- every cohort created before this release: each of its modules lasts days_per_module, as it
-- always did, so its prompts fall on the same days after the upgrade. Empty for an open-ended
-- program, which has no modules.
--
-- An open-ended program's pinned order is stored in `plan` like any other ({"open": …}).
ALTER TABLE cohorts ADD COLUMN module_days TEXT;
