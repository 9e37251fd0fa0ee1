-- How each message travels: GSM-7 or UCS-2, and how many SMS parts it costs.
ALTER TABLE messages ADD COLUMN encoding TEXT;
ALTER TABLE messages ADD COLUMN segments INTEGER;
