-- One bundle so the ledger stays ignorant of orders and tickets: the domain function that posts a transfer
-- says what it is for, app.transfer stores it, and only the statement and app.check_invariants() read it.
create type app.transfer_reference as (
  order_id uuid,
  ticket_id uuid
);

comment on type app.transfer_reference is 'What a ledger transfer is for (an order or a ticket), recorded on it for readers; never read by app.transfer.';
