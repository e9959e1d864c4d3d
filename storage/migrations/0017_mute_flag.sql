-- Which confirmation a mute came from (the 确认广告 of that flag, or a repeat of the ad it
-- confirmed), so that 撤销确认 lifts the mutes the mistaken confirmation caused.
ALTER TABLE mutes ADD COLUMN flag_id INTEGER REFERENCES flags (id);
CREATE INDEX mutes_by_flag ON mutes (flag_id);
