-- The mail kinds the product sends (app.mail_kinds). Labels and descriptions are what the preferences page
-- shows.
insert into app.mail_kinds (kind, audience, optional, label, description) values
  ('quote_ready', 'customer', true, 'Quote ready', 'An engineer assessed your ticket and it waits for you to confirm or decline the price.'),
  ('charged', 'customer', true, 'Ticket charged', 'Credits were taken for a ticket and an engineer is working on it.'),
  ('answered', 'customer', true, 'Engineer''s answer', 'An engineer replied on one of your tickets.'),
  ('resolved', 'customer', true, 'Ticket resolved', 'One of your tickets was resolved.'),
  ('recategorized', 'customer', true, 'Ticket re-categorized', 'A ticket was moved to another category, with the refund or extra charge that follows.'),
  ('split', 'customer', true, 'Ticket split', 'A separate question in your ticket got a ticket of its own.'),
  ('credits_added', 'customer', false, 'Credits added (receipt)', 'Credits you bought or were given. A receipt, so it is always sent.'),
  ('low_balance', 'customer', true, 'Low balance', 'Your balance fell below your low-balance threshold (once each time it does).'),
  ('credits_needed', 'customer', true, 'Tickets awaiting credits', 'Tickets wait for credits before they are charged and answered.'),
  ('new_ticket', 'staff', true, 'New ticket', 'A customer opened a ticket.'),
  ('customer_replied', 'staff', true, 'Customer replied', 'A customer wrote on a ticket assigned to you, or on an unassigned one.'),
  ('quote_confirmed', 'staff', true, 'Quote confirmed', 'A customer confirmed the price of a ticket you assessed or are assigned.'),
  ('quote_declined', 'staff', true, 'Quote declined', 'A customer declined the price of a ticket you assessed or are assigned.'),
  ('payment_review', 'admin', true, 'Payment needs review', 'A payment could not be applied as it came and an administrator must look at it.'),
  ('digest', 'system', true, 'Daily digest', 'One mail a day with the mails you chose to get daily.'),
  ('reply_refused', 'system', false, 'E-mail reply not posted', 'The answer to an e-mail reply that could not be added to a ticket.');

-- Mail delivery on a schedule (pg_cron; the jobs run as postgres): every minute the send-mail function is
-- asked again, for retries whose backoff has passed and for mail queued while it could not be reached;
-- every day at 07:00 UTC the mails people chose to get daily are rolled into their digest (which queues
-- it, and so asks for delivery).
select cron.schedule('send-mail', '* * * * *', $$select app.request_mail_delivery()$$);
select cron.schedule('mail-digest', '0 7 * * *', $$select public.service_role_build_digests()$$);
