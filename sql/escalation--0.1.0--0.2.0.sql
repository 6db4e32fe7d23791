-- escalation 0.1.0 → 0.2.0 (升级脚本)
--
-- Every schema change of release 0.2.0, in the order it was made. The fresh
-- install script (sql/parts/) and this script must give the same extension:
-- test/scripts/74_upgrade.sh installs 0.1.0 with data, walks this script and
-- compares the result with a fresh install of 0.2.0.
\echo Use "ALTER EXTENSION escalation UPDATE TO '0.2.0'" to load this file. \quit
