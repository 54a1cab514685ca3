import { infiniteQueryOptions, useSuspenseInfiniteQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { isOpenStatus, QUEUE_STATUS_ORDER, type TicketStatus } from '../../../lib/ticket-status';
import type { QueueFilters } from '../schemas';
import { triageKeys } from './keys';

export const QUEUE_PAGE_SIZE = 25;

const columns =
  'id, number, subject, status, category, quoted_credits, charged_credits, pre_approved, created_at, assignee_id, created_by, account_id';

/**
 * Where the next page starts: the status group (in QUEUE_STATUS_ORDER) and the last row's created_at in it.
 * Each group is read in created_at order on the (status, created_at) index, so a page costs an index
 * range scan however many tickets there are — no OFFSET.
 */
export type QueueCursor = { group: number; after: string | null };

export type QueueRow = {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  category: string | null;
  quoted_credits: number | null;
  charged_credits: number;
  pre_approved: boolean;
  created_at: string;
  assignee_id: string | null;
  created_by: string | null;
  customerEmail: string;
  assigneeName: string;
};

export type QueuePage = { rows: QueueRow[]; next: QueueCursor | null };

const statusesFor = (filters: QueueFilters): readonly TicketStatus[] =>
  filters.status === 'all'
    ? QUEUE_STATUS_ORDER
    : filters.status === 'open'
      ? QUEUE_STATUS_ORDER.filter(isOpenStatus)
      : [filters.status];

/** Closed tickets are listed newest first; open ones oldest first (the longest-waiting on top). */
const ascending = isOpenStatus;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** People whose email contains the search, for "search by customer email" (capped: a search, not a list). */
async function customerIdsMatching(email: string): Promise<string[]> {
  const { data } = await supabase
    .from('profiles')
    .select('id')
    .ilike('email', `%${escapeLike(email)}%`)
    .limit(200)
    .throwOnError();
  return data.map((p) => p.id);
}

export async function getQueuePage(filters: QueueFilters, userId: string, cursor: QueueCursor): Promise<QueuePage> {
  const statuses = statusesFor(filters);
  const q = filters.q.trim().replace(/^#/, '');
  const byNumber = /^\d{1,9}$/.test(q) ? Number(q) : null;
  const customerIds = byNumber === null && q.includes('@') ? await customerIdsMatching(q) : null;
  if (customerIds?.length === 0) return { rows: [], next: null };

  const rows: Omit<QueueRow, 'customerEmail' | 'assigneeName'>[] = [];
  let group = cursor.group;
  let after = cursor.after;
  let next: QueueCursor | null = null;

  while (group < statuses.length) {
    const status = statuses[group]!;
    const asc = ascending(status);
    const want = QUEUE_PAGE_SIZE - rows.length;
    let query = supabase.from('tickets').select(columns).eq('status', status);
    if (filters.category) query = query.eq('category', filters.category);
    if (filters.assignee === 'mine') query = query.eq('assignee_id', userId);
    else if (filters.assignee === 'none') query = query.is('assignee_id', null);
    else if (filters.assignee) query = query.eq('assignee_id', filters.assignee);
    if (byNumber !== null) query = query.eq('number', byNumber);
    else if (customerIds) query = query.in('created_by', customerIds);
    else if (q) query = query.ilike('subject', `%${escapeLike(q)}%`);
    if (after) query = asc ? query.gt('created_at', after) : query.lt('created_at', after);
    // One extra row says whether this group has more.
    // Ordered by created_at alone, so the (status, created_at) index gives the order and the scan
    // stops after the page: a tie-breaker column would force reading and sorting the whole group.
    // created_at is clock_timestamp() (microseconds), so ties do not happen in practice.
    const { data } = await query
      .order('created_at', { ascending: asc })
      .limit(want + 1)
      .throwOnError();
    rows.push(...data.slice(0, want));
    if (data.length > want) {
      next = { group, after: data[want - 1]!.created_at };
      break;
    }
    group += 1;
    after = null;
    if (rows.length === QUEUE_PAGE_SIZE) {
      next = group < statuses.length ? { group, after: null } : null;
      break;
    }
  }

  // Who asked and who has it, in one request for the whole page.
  const people = [...new Set(rows.flatMap((r) => [r.created_by, r.assignee_id]).filter((id): id is string => !!id))];
  const names = new Map<string, { email: string; name: string }>();
  if (people.length) {
    const { data } = await supabase.from('profiles').select('id, email, full_name').in('id', people).throwOnError();
    for (const p of data) names.set(p.id, { email: p.email, name: p.full_name || p.email });
  }
  return {
    rows: rows.map((r) => ({
      ...r,
      customerEmail: (r.created_by && names.get(r.created_by)?.email) || '(deleted user)',
      assigneeName: (r.assignee_id && names.get(r.assignee_id)?.name) || '',
    })),
    next,
  };
}

const firstPage: QueueCursor = { group: 0, after: null };

export const queueQueryOptions = (filters: QueueFilters, userId: string) =>
  infiniteQueryOptions({
    queryKey: triageKeys.queue(filters, userId),
    queryFn: ({ pageParam }) => getQueuePage(filters, userId, pageParam),
    initialPageParam: firstPage,
    getNextPageParam: (last) => last.next,
    staleTime: 15_000,
  });

export const useQueue = (filters: QueueFilters, userId: string) => useSuspenseInfiniteQuery(queueQueryOptions(filters, userId));
