-- Rows the product cannot run without, whatever the seed: the ledger's system accounts and the settings row.
insert into public.accounts (name, system_code) values
  ('System: credits issued', 'issued'),
  ('System: credits consumed', 'consumed'),
  ('System: adjustments', 'adjustments');

insert into app.settings default values;
