import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AppRole } from '../../../lib/current-role';
import { supabase } from '../../../lib/supabase';
import { adminKeys } from './keys';

export async function setUserRole(input: { userId: string; role: AppRole }) {
  const { data } = await supabase.rpc('set_user_role', { p_user_id: input.userId, p_role: input.role }).throwOnError();
  return data;
}

export function useSetUserRole() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: setUserRole, onSuccess: () => queryClient.invalidateQueries({ queryKey: [...adminKeys.all, 'users'] }) });
}
