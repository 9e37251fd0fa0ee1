-- PostgreSQL twin of migrations/sqlite/003.
ALTER TABLE messages ADD COLUMN encoding TEXT;
ALTER TABLE messages ADD COLUMN segments INTEGER;
