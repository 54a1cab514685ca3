import { Link as RouterLink, type LinkProps } from 'react-router-dom';

export function Link({ className = '', ...props }: LinkProps) {
  return (
    <RouterLink
      {...props}
      className={`font-medium text-blue-800 underline underline-offset-2 hover:text-blue-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-800 ${className}`}
    />
  );
}
