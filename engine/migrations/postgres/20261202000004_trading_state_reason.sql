-- Why the kill switch was set (ployctl trading … --reason), beside who set it.
ALTER TABLE trading_state ADD COLUMN reason TEXT;
ALTER TABLE trading_state_changes ADD COLUMN reason TEXT;
