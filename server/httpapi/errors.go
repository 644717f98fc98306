package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"qrpos/internal/wire"
	"qrpos/server/pos"
)

// maxBody bounds every request body. Orders are built line by line, so no
// legitimate request comes near it.
const maxBody = 64 << 10

// statusOf is the one mapping from a domain refusal to an HTTP status.
func statusOf(c pos.Code) int {
	switch c {
	case pos.CodeInvalid, pos.CodeNeedKey:
		return http.StatusUnprocessableEntity
	case pos.CodeUnauthorized, pos.CodeSessionExpired, pos.CodeWrongPIN:
		return http.StatusUnauthorized
	case pos.CodeLocked:
		return http.StatusLocked
	case pos.CodeForbidden:
		return http.StatusForbidden
	case pos.CodeNotFound:
		return http.StatusNotFound
	case pos.CodeConflict, pos.CodeTableBusy, pos.CodeIdempotency, pos.CodeOrderClosed, pos.CodeUnavailable,
		pos.CodeCodeUsed, pos.CodeBillChanged, pos.CodePaymentActive, pos.CodeAlreadyPaid, pos.CodeInsufficient:
		return http.StatusConflict
	case pos.CodeNotAccepted, pos.CodeNotPaymentCode, pos.CodeBadTableLink, pos.CodeCodeInvalid, pos.CodeTokenInvalid, pos.CodeLimit, pos.CodeRefundTooMuch:
		return http.StatusUnprocessableEntity
	case pos.CodeCodeExpired, pos.CodeTokenExpired, pos.CodeTableSessionEnded:
		return http.StatusGone
	}
	return http.StatusInternalServerError
}

// apiError is a refusal made by this package (decoding, auth, limits).
type apiError struct {
	status int
	body   wire.ErrorBody
}

func (e *apiError) Error() string { return e.body.Code + ": " + e.body.Message }

func badRequest(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, wire.ErrorBody{Code: wire.CodeBadRequest, Message: fmt.Sprintf(format, args...)}}
}

// writeError answers err: refusals with their status and message, anything
// else as 500 with no internal detail (logged instead).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	var pe *pos.Error
	switch {
	case errors.As(err, &ae):
		writeJSON(w, ae.status, wire.Error{Error: ae.body})
	case errors.As(err, &pe):
		writeJSON(w, statusOf(pe.Code), wire.Error{Error: wire.ErrorBody{Code: string(pe.Code), Message: pe.Message, Field: pe.Field, OrderID: pe.OrderID}})
	case errors.Is(err, r.Context().Err()) && r.Context().Err() != nil:
		// The client went away; nobody is listening for an answer.
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeJSON(w, http.StatusInternalServerError, wire.Error{Error: wire.ErrorBody{Code: wire.CodeInternal,
			Message: "something went wrong on the server; nothing was changed, please try again"}})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// decode reads exactly one JSON value into v, refusing unknown fields,
// wrong types, trailing data and bodies over maxBody.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &apiError{http.StatusUnsupportedMediaType, wire.ErrorBody{Code: wire.CodeBadRequest, Message: "send JSON (Content-Type: application/json)"}}
	}
	return decodeJSON(http.MaxBytesReader(w, r.Body, maxBody), v)
}

func decodeJSON(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeDecodeError(err)
	}
	if dec.More() {
		return badRequest("the request body holds more than one JSON value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("the request body has data after the JSON value")
	}
	return nil
}

func describeDecodeError(err error) error {
	var tooLarge *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooLarge):
		return &apiError{http.StatusRequestEntityTooLarge, wire.ErrorBody{Code: wire.CodeTooLarge, Message: fmt.Sprintf("the request is larger than %d KiB", maxBody>>10)}}
	case errors.Is(err, io.EOF):
		return badRequest("the request body is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the request body is cut short")
	case errors.As(err, &syntax):
		return badRequest("the request body is not valid JSON (at byte %d)", syntax.Offset)
	case errors.As(err, &typ):
		return &apiError{http.StatusBadRequest, wire.ErrorBody{Code: wire.CodeBadRequest, Field: typ.Field,
			Message: fmt.Sprintf("%s must be a %s", orWord(typ.Field, "the body"), typ.Type)}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &apiError{http.StatusBadRequest, wire.ErrorBody{Code: wire.CodeBadRequest, Field: f, Message: fmt.Sprintf("unknown field %q", f)}}
	}
	return badRequest("the request body could not be read")
}

func orWord(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// logRefusal logs refusals at debug level; they are normal operation.
func logRefusal(log *slog.Logger, r *http.Request, err error) {
	log.Debug("refused", "method", r.Method, "path", r.URL.Path, "err", err)
}
