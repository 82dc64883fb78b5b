import { HttpClient, HttpEvent, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  PowerActionResponse,
  UpgradeAccepted,
  TlsInfo,
  TlsUploadRequest,
  AlertEventV1,
  AlertPage,
  BulkAcknowledgeResponse,
  ApiTokenInfo,
  ChangePasswordRequest,
  CreateTokenRequest,
  CreateTokenResponse,
  CreateUserRequest,
  FlowListQuery,
  FlowListResponse,
  HostDetail,
  HostListQuery,
  HostListResponse,
  InterfaceListResponse,
  IpfixCollectorRequest,
  IpfixCollectorView,
  LoginResponse,
  MeResponse,
  RecipientRequest,
  RecipientView,
  Settings,
  SystemInfo,
  TimeseriesQuery,
  TimeseriesResponse,
  UpdateSettingsRequest,
  UpdateUserRequest,
  UserInfo,
  UserListResponse,
} from '@flowprobe/api';
import type { Observable } from 'rxjs';
import type { AlertListQuery } from './alert-api-types';

/** Base path of the REST API; the portal is served by the same origin. */
export const API_BASE = '/api/v1';

/** Turns a query object into HTTP params, dropping empty values so the server applies its defaults. */
export function toParams(query: object): HttpParams {
  let params = new HttpParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params = params.set(key, String(value));
  }
  return params;
}

/**
 * Typed calls to the control plane for the actions (writes) and one-off reads.
 * Pages read lists with `httpResource` against {@link API_BASE} directly, so
 * they get loading/error signals for free.
 */
@Injectable({ providedIn: 'root' })
export class ApiClient {
  private readonly http = inject(HttpClient);

  login(username: string, password: string): Observable<LoginResponse> {
    return this.http.post<LoginResponse>(`${API_BASE}/auth/login`, { username, password });
  }

  logout(): Observable<void> {
    return this.http.post<void>(`${API_BASE}/auth/logout`, {});
  }

  me(): Observable<MeResponse> {
    return this.http.get<MeResponse>(`${API_BASE}/auth/me`);
  }

  changePassword(body: ChangePasswordRequest): Observable<void> {
    return this.http.post<void>(`${API_BASE}/users/me/password`, body);
  }

  hosts(query: HostListQuery): Observable<HostListResponse> {
    return this.http.get<HostListResponse>(`${API_BASE}/hosts`, { params: toParams(query) });
  }

  host(ip: string): Observable<HostDetail> {
    return this.http.get<HostDetail>(`${API_BASE}/hosts/${encodeURIComponent(ip)}`);
  }

  flows(query: FlowListQuery): Observable<FlowListResponse> {
    return this.http.get<FlowListResponse>(`${API_BASE}/flows`, { params: toParams(query) });
  }

  interfaces(): Observable<InterfaceListResponse> {
    return this.http.get<InterfaceListResponse>(`${API_BASE}/interfaces`);
  }

  timeseries(query: TimeseriesQuery): Observable<TimeseriesResponse> {
    return this.http.get<TimeseriesResponse>(`${API_BASE}/timeseries`, { params: toParams(query) });
  }

  settings(): Observable<Settings> {
    return this.http.get<Settings>(`${API_BASE}/settings`);
  }

  updateSettings(body: UpdateSettingsRequest): Observable<Settings> {
    return this.http.put<Settings>(`${API_BASE}/settings`, body);
  }

  /** Admin: replace the HTTPS certificate (the key is sent once and never comes back). */
  uploadCertificate(body: TlsUploadRequest): Observable<TlsInfo> {
    return this.http.put<TlsInfo>(`${API_BASE}/system/tls`, body);
  }

  /** Admin: reboot or power off the appliance (503 where not available). */
  power(action: 'reboot' | 'shutdown'): Observable<PowerActionResponse> {
    return this.http.post<PowerActionResponse>(`${API_BASE}/system/${action}`, {});
  }

  /** Admin: an update bundle (.raucb) as the body, with upload progress events; 202 once checked and queued. */
  uploadBundle(file: Blob): Observable<HttpEvent<UpgradeAccepted>> {
    return this.http.post<UpgradeAccepted>(`${API_BASE}/system/upgrade`, file, {
      headers: { 'content-type': 'application/octet-stream' },
      reportProgress: true,
      observe: 'events',
    });
  }

  system(): Observable<SystemInfo> {
    return this.http.get<SystemInfo>(`${API_BASE}/system`);
  }

  users(): Observable<UserListResponse> {
    return this.http.get<UserListResponse>(`${API_BASE}/users`);
  }

  createUser(body: CreateUserRequest): Observable<UserInfo> {
    return this.http.post<UserInfo>(`${API_BASE}/users`, body);
  }

  updateUser(id: number, body: UpdateUserRequest): Observable<UserInfo> {
    return this.http.patch<UserInfo>(`${API_BASE}/users/${id}`, body);
  }

  deleteUser(id: number): Observable<void> {
    return this.http.delete<void>(`${API_BASE}/users/${id}`);
  }

  tokens(): Observable<ApiTokenInfo[]> {
    return this.http.get<ApiTokenInfo[]>(`${API_BASE}/users/me/tokens`);
  }

  createToken(body: CreateTokenRequest): Observable<CreateTokenResponse> {
    return this.http.post<CreateTokenResponse>(`${API_BASE}/users/me/tokens`, body);
  }

  deleteToken(id: number): Observable<void> {
    return this.http.delete<void>(`${API_BASE}/users/me/tokens/${id}`);
  }

  alerts(query: AlertListQuery): Observable<AlertPage> {
    return this.http.get<AlertPage>(`${API_BASE}/alerts`, { params: toParams(query) });
  }

  acknowledgeAlert(id: string): Observable<void> {
    return this.http.post<void>(`${API_BASE}/alerts/${encodeURIComponent(id)}/acknowledge`, {});
  }

  /** Acknowledges every unacknowledged past alert matching the filters (the list's, without state/paging). */
  acknowledgeAlerts(filters: Record<string, string | number | boolean>): Observable<BulkAcknowledgeResponse> {
    return this.http.post<BulkAcknowledgeResponse>(`${API_BASE}/alerts/acknowledge`, filters);
  }

  recipients(): Observable<RecipientView[]> {
    return this.http.get<RecipientView[]>(`${API_BASE}/recipients`);
  }

  createRecipient(body: RecipientRequest): Observable<RecipientView> {
    return this.http.post<RecipientView>(`${API_BASE}/recipients`, body);
  }

  updateRecipient(id: string, body: RecipientRequest): Observable<RecipientView> {
    return this.http.put<RecipientView>(`${API_BASE}/recipients/${encodeURIComponent(id)}`, body);
  }

  deleteRecipient(id: string): Observable<void> {
    return this.http.delete<void>(`${API_BASE}/recipients/${encodeURIComponent(id)}`);
  }

  /** Queues a test alert (202) and answers it; delivery shows in the recipient's stats. */
  sendTestAlert(id: string): Observable<AlertEventV1> {
    return this.http.post<AlertEventV1>(`${API_BASE}/recipients/${encodeURIComponent(id)}/test`, {});
  }

  createIpfixCollector(body: IpfixCollectorRequest): Observable<IpfixCollectorView> {
    return this.http.post<IpfixCollectorView>(`${API_BASE}/ipfix/collectors`, body);
  }

  updateIpfixCollector(id: string, body: IpfixCollectorRequest): Observable<IpfixCollectorView> {
    return this.http.put<IpfixCollectorView>(`${API_BASE}/ipfix/collectors/${encodeURIComponent(id)}`, body);
  }

  deleteIpfixCollector(id: string): Observable<void> {
    return this.http.delete<void>(`${API_BASE}/ipfix/collectors/${encodeURIComponent(id)}`);
  }
}

/** The human message of an HTTP error: the API's `message` (joined when a list), else the status text. */
export function errorMessage(error: unknown): string {
  const e = error as { status?: number; statusText?: string; message?: string; error?: { message?: string | string[] } } | null;
  if (!e) return 'Unknown error';
  const apiMessage = e.error?.message;
  if (Array.isArray(apiMessage)) return apiMessage.join('; ');
  if (typeof apiMessage === 'string' && apiMessage) return apiMessage;
  if (e.status === 0) return 'The appliance does not answer (network error).';
  if (e.status) return `${e.status} ${e.statusText ?? ''}`.trim();
  return e.message ?? String(error);

}
