/**
 * Section - payment_events has one writer
 * Why: the webhook wrote payment_events itself (insert the event, then mark it processed or record its
 * problem), so the service role had to be able to insert and update that table. Since
 * public.record_payment_event records, applies and marks an event in one transaction, nothing else
 * writes it: the service role keeps reading it, and admins resolve problems through
 * admin_resolve_payment_event. A processed event can no longer be rewritten with the service key.
 */
revoke insert, update on public.payment_events from service_role;
comment on table public.payment_events is 'Payment provider events by provider event id (de-duplication and unmatched payments). Written only by record_payment_event (service role) and admin_resolve_payment_event; staff may read.';
