import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { Loader } from '@mantine/core';
import { Shell } from './components/Shell';
import { HomePage } from './features/home/HomePage';
import { JoinPage } from './features/join/JoinPage';
import { ConsoleRoutes } from './features/session/ConsoleRoutes';

const HelpPage = lazy(() => import('./features/join/HelpPage'));

/** Every page of the consoles; the server answers index.html for each of these paths. */
export function App() {
  return (
    <Shell>
      <Suspense fallback={<Loader aria-label="…" />}>
        <Routes>
          <Route path="/" element={<HomePage />} />
          <Route path="/join" element={<JoinPage />} />
          <Route path="/join/:number" element={<JoinPage />} />
          <Route path="/help/:queueId" element={<HelpPage />} />
          <Route path="/console/*" element={<ConsoleRoutes />} />
          <Route path="*" element={<HomePage />} />
        </Routes>
      </Suspense>
    </Shell>
  );
}
