-- A service team's English name (PostgreSQL). The teams made from the industry catalogue on a fresh
-- site are named in both languages from the catalogue's labels; a team an administrator names
-- has only its Chinese name, shown in both languages. Keep the stem identical to the
-- SQLite twin.
alter table service_team add column name_en text;
