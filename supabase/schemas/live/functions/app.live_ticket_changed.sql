-- Announces a ticket's own changes (app.live_announce). Its row is written in one UPDATE per action
-- (tickets/functions/app.save_ticket.sql), so one row change may carry several reasons. Assignment is
-- staff business, as its audit event is: the queue hears of it, the ticket's channel does not. A new
-- ticket goes to the queue only: nobody can have joined its channel before it existed.
-- Columns no function changes after creation (subject, body, pre-approval) are not watched, nor
-- updated_at alone (a message or a split touches it and announces itself).
create or replace function app.live_ticket_changed()
returns trigger language plpgsql security definer set search_path = ''
as $function$
begin
  if tg_op = 'INSERT' then
    perform app.live_announce(new.id, 'created', false);
    return null;
  end if;
  if new.status is distinct from old.status then
    perform app.live_announce(new.id, 'status', true);
  end if;
  if (new.category, new.quoted_credits, new.upgrade_from, new.upgrade_to)
     is distinct from (old.category, old.quoted_credits, old.upgrade_from, old.upgrade_to) then
    perform app.live_announce(new.id, 'quote', true);
  end if;
  if new.charged_credits is distinct from old.charged_credits then
    perform app.live_announce(new.id, 'charge', true);
  end if;
  if new.assignee_id is distinct from old.assignee_id then
    perform app.live_announce(new.id, 'assigned', false);
  end if;
  return null;
end $function$;

comment on function app.live_ticket_changed() is 'Trigger: announce a new ticket on queue, and a ticket''s status, quote, charge and assignment changes.';

revoke all on function app.live_ticket_changed() from public, anon, authenticated, service_role;

create trigger tickets_live_changed AFTER INSERT OR UPDATE OF status, category, quoted_credits, charged_credits, assignee_id, upgrade_from, upgrade_to ON public.tickets FOR EACH ROW EXECUTE FUNCTION app.live_ticket_changed();
