/**
 * Customer views name the signed-in person's own accounts in every read.
 *
 * Row-level security lets engineers and admins read every account's tickets and events (they need them
 * in the staff queue), so a customer view that relied on RLS alone showed a staff member every
 * customer's tickets when they opened `/portal`. Each read here joins the row's account to the
 * person's membership of it (`account_members.user_id`), which keeps shared accounts working: every
 * member of an account sees its tickets, nobody else does, whatever their role.
 *
 * The join is an inner embed with an empty select: PostgREST filters on it and returns nothing of it.
 */
export const OWN_ACCOUNT_EMBED = 'own_account:accounts!inner(members:account_members!inner())';
export const OWN_ACCOUNT_MEMBER = 'own_account.members.user_id';
